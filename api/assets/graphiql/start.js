// GraphiQL against this portal's /graphql, with the header editor open and pre-filled for the
// bearer token (`portal token` mints one; `portal serve --demo` prints one at start).
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: new URL("/graphql", window.location.origin).toString() }),
    defaultHeaders: '{\n  "Authorization": "Bearer "\n}',
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: "headers",
  }),
);
