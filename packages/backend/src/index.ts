/** @tensorfold/backend (being built: see the package issue). */
export {};
