/** Vite's ?raw imports: a file's text, bundled into the test (workerd cannot read the disk). */
declare module "*?raw" {
  const text: string;
  export default text;
}
