/** Findings: what a checker reports about an input, with a severity and a stable code. */
package io.vhdkit.check;
