package io.vhdkit.validator.manifest;

import io.vhdkit.validator.Hit;
import io.vhdkit.validator.ImageContext;
import io.vhdkit.validator.Rule;
import io.vhdkit.validator.ValidationResult;
import java.util.List;

/**
 * A rule about what an image manifest declares of its OS disk, checked against the verdict on that disk. It has
 * nothing to check on a single image.
 */
public interface ManifestRule extends Rule {

    List<Hit> check(ImageManifest manifest, ValidationResult osDisk);

    @Override
    default Scope scope() {
        return Scope.MANIFEST;
    }

    @Override
    default List<Hit> check(ImageContext context) {
        return List.of();
    }
}
