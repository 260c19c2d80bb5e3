// swagger-ui-dist ships no types; the part of its bundle's API we call.
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  type SwaggerUIOptions = {
    domNode: HTMLElement;
    url: string;
    deepLinking?: boolean;
    defaultModelsExpandDepth?: number;
    tryItOutEnabled?: boolean;
  };
  const SwaggerUIBundle: (options: SwaggerUIOptions) => unknown;
  export default SwaggerUIBundle;
}
