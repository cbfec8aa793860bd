-- credlint's language server in Neovim's built-in LSP client (Neovim 0.8 or later): put this file
-- in ~/.config/nvim/plugin/ (or paste it into init.lua). On Neovim 0.11 or later,
--   vim.lsp.config("credlint", { cmd = { "credlint", "lsp" }, root_markers = { ".credlint.toml", ".git" } })
--   vim.lsp.enable("credlint")
-- does the same.
vim.api.nvim_create_autocmd("BufEnter", {
  group = vim.api.nvim_create_augroup("credlint", { clear = true }),
  callback = function(args)
    if vim.bo[args.buf].buftype ~= "" then
      return
    end
    local marker = vim.fs.find({ ".credlint.toml", ".git" }, { upward = true, path = vim.fs.dirname(args.file) })[1]
    vim.lsp.start({
      name = "credlint",
      cmd = { "credlint", "lsp" },
      root_dir = marker and vim.fs.dirname(marker) or vim.fn.getcwd(),
    }, { bufnr = args.buf })
  end,
})
