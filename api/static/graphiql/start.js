// Crossdock's own start-up of GraphiQL (not vendored): queries and mutations go to this
// page's URL over HTTP, subscriptions over a WebSocket to the same path. The headers
// editor's JSON travels with both; the server reads the key from `Authorization`.
(function () {
  "use strict";
  var endpoint = window.location.href.split("#")[0].split("?")[0];
  var socket = new URL(endpoint);
  socket.protocol = socket.protocol === "https:" ? "wss:" : "ws:";

  var fetcher = GraphiQL.createFetcher({
    url: endpoint,
    subscriptionUrl: socket.toString(),
  });

  var firstQuery = [
    "# Crossdock GraphQL API. Put your key in the Headers tab below, e.g.",
    '#   {"Authorization": "Bearer cdk_..."}',
    "# then run this query with Ctrl-Enter.",
    "{",
    "  viewer {",
    "    kind",
    "    provider { name }",
    "    client { code name }",
    "  }",
    "}",
    "",
  ].join("\n");

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: firstQuery,
      defaultHeaders: '{\n  "Authorization": "Bearer "\n}',
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    }),
  );
})();
