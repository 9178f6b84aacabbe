// For tools that read .ts without the Vue language plugin (ESLint's type information); vue-tsc resolves
// the real .vue files first.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
