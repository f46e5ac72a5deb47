/** @tensorfold/layers (being built: see the package issue). */
export {};
