/** JMH benchmarks of vhdkit's hot paths. */
package io.vhdkit.bench;
