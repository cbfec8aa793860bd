// Starts `credlint lsp` for every file of the workspace: the server decides what it reads (it
// knows the file kinds), and the client only carries the protocol.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("credlint").get("path") || "credlint";
  const serverOptions = { command, args: ["lsp"] };
  const clientOptions = {
    documentSelector: [{ scheme: "file" }, { scheme: "untitled" }],
    // Diagnostics of files that are not open (shared credentials) stay in the Problems view.
    diagnosticCollectionName: "credlint",
  };
  client = new LanguageClient("credlint", "credlint", serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
