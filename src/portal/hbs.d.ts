// hbs 4 ships no type declarations: the part of its API the portal uses.
declare module 'hbs' {
  import type Handlebars from 'handlebars';
  const hbs: {
    readonly handlebars: typeof Handlebars;
    registerPartials(directory: string, done?: (error?: unknown) => void): void;
    registerHelper: (typeof Handlebars)['registerHelper'];
  };
  export default hbs;
}
