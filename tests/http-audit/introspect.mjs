// Sends graphql-js's standard introspection query, as GraphiQL's docs explorer, graphql-codegen
// and Apollo's rover do, and compares the schema it describes with the checked-in SDL.
// Usage: node introspect.mjs <url> <token> <schema.graphql>; prints JSON { same, status, errors, diff }.
import { readFileSync } from "node:fs";
import {
  buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema,
} from "graphql";

const [url, token, sdlPath] = process.argv.slice(2);
const response = await fetch(url, {
  method: "POST",
  headers: {
    "content-type": "application/json",
    accept: "application/graphql-response+json",
    authorization: `Bearer ${token}`,
  },
  body: JSON.stringify({ query: getIntrospectionQuery() }),
});
const body = await response.json();
if (!body.data) {
  console.log(JSON.stringify({ same: false, status: response.status, errors: body.errors }));
  process.exit(0);
}
const print = (schema) => printSchema(lexicographicSortSchema(schema));
const served = print(buildClientSchema(body.data));
const checkedIn = print(buildSchema(readFileSync(sdlPath, "utf8")));
const servedLines = served.split("\n");
const checkedInLines = checkedIn.split("\n");
const diff = servedLines
  .map((line, i) => (line === checkedInLines[i] ? null : `${i + 1}: served ${JSON.stringify(line)} / checked in ${JSON.stringify(checkedInLines[i])}`))
  .filter(Boolean)
  .slice(0, 5);
console.log(JSON.stringify({ same: served === checkedIn, status: response.status, errors: body.errors ?? [], diff }));
