/** Files Vite turns into URLs or injects. */
declare module '*.css';
declare module '*.svg' {
  const url: string;
  export default url;
}
