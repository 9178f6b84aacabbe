// Plain tsc (tests) sees .vue files only through lazy route imports; vue-tsc checks them for real.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
