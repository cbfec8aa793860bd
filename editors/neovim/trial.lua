-- A trial of credlint in a real Neovim, run headless by the tests (tests/integration/editors.rs):
--   CREDLINT_BIN=… CREDLINT_FILE=… CREDLINT_OUT=… nvim --headless -u NONE -c "luafile editors/neovim/trial.lua"
-- It opens the file, attaches `credlint lsp` with the client calls every Neovim since 0.7 has,
-- waits for diagnostics and writes them to CREDLINT_OUT, one per line: line:column code message;
-- then it stops the server and writes how the server exited: `exit: CODE`.
local file = os.getenv("CREDLINT_FILE")
local out = assert(io.open(os.getenv("CREDLINT_OUT"), "w"))
vim.cmd("edit " .. vim.fn.fnameescape(file))
local exited = nil
local client = vim.lsp.start_client({
  name = "credlint",
  cmd = { os.getenv("CREDLINT_BIN"), "lsp" },
  root_dir = vim.fn.fnamemodify(file, ":p:h"),
  on_exit = function(code)
    exited = code
  end,
})
vim.lsp.buf_attach_client(0, client)
vim.wait(20000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)
for _, d in ipairs(vim.diagnostic.get(0)) do
  out:write(string.format("%d:%d %s %s\n", d.lnum + 1, d.col + 1, tostring(d.code), d.message))
end
vim.lsp.stop_client(client)
vim.wait(10000, function()
  return exited ~= nil
end, 50)
out:write(string.format("exit: %s\n", tostring(exited)))
out:close()
vim.cmd("qa!")
