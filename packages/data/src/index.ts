/** @tensorfold/data (being built: see the package issue). */
export {};
