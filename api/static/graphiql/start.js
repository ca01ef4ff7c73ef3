// Crossdock's own start-up of GraphiQL (not vendored): queries and mutations go to this
// page's URL over HTTP, subscriptions over a WebSocket to the same path. The headers
// editor's JSON travels with both; the server reads the key from `Authorization`.
(function () {
  "use strict";
  var endpoint = window.location.href.split("#")[0].split("?")[0];
  var socket = new URL(endpoint);
  socket.protocol = socket.protocol === "https:" ? "wss:" : "ws:";

  // Signed in to the web app? Then the session cookie goes along by itself, and its CSRF
  // token (a cookie the page may read) is sent as the server asks of cookie requests.
  var csrf = document.cookie.split("; ").filter(function (pair) {
    return pair.indexOf("crossdock_csrf=") === 0;
  }).map(function (pair) {
    return decodeURIComponent(pair.slice("crossdock_csrf=".length));
  })[0];

  var fetcher = GraphiQL.createFetcher({
    url: endpoint,
    subscriptionUrl: socket.toString(),
    headers: csrf ? { "X-CSRF-Token": csrf } : {},
    wsConnectionParams: csrf ? { csrfToken: csrf } : undefined,
  });

  var firstQuery = [
    "# Crossdock GraphQL API. Signed in to the web app, just run it; otherwise put",
    "# your key in the Headers tab below, e.g.",
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
