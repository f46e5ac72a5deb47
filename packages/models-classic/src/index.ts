/** @tensorfold/models-classic (being built: see the package issue). */
export {};
