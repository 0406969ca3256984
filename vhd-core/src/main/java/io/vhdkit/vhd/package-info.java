package io.vhdkit.vhd;
