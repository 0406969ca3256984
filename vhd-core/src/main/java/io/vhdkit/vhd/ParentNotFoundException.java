package io.vhdkit.vhd;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A differencing disk's parent is not at any place its locators or parent name point to. The image is not damaged,
 * but it cannot be read without the parent.
 */
public final class ParentNotFoundException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String child;
    private final String parentName;
    private final transient List<ParentCandidate> tried;

    public ParentNotFoundException(String child, String parentName, List<ParentCandidate> tried) {
        super(message(child, parentName, tried));
        this.child = child;
        this.parentName = parentName;
        this.tried = List.copyOf(tried);
    }

    private static String message(String child, String parentName, List<ParentCandidate> tried) {
        String places = tried.isEmpty() ? "no locator or parent name gives a path"
                : "tried " + tried.stream().map(c -> c.path() + " (" + c.via() + ")").collect(Collectors.joining(", "));
        return "the parent \"" + parentName + "\" of differencing disk " + child + " was not found: " + places
                + ". Put the parent beside the child under that name.";
    }

    public String child() {
        return child;
    }

    public String parentName() {
        return parentName;
    }

    public List<ParentCandidate> tried() {
        return tried;
    }
}
