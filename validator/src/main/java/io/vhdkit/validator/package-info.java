/**
 * The validation engine: rules over an opened image, OS detection, generalization and Azure-readiness checks,
 * profiles and report writers. Built on the read-only readers of {@code vhd-core}.
 */
package io.vhdkit.validator;
