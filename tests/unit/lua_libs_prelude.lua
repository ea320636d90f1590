-- lua_libs_prelude.lua: turns a call's results into one line of text, the
-- same way on redis-server and in test_lua_libs.c. Lines are joined with
-- spaces into line 1 of the script, so an error's position reads
-- "user_script:1:" in both. Comment lines (these) are dropped.
-- Numbers: %.17g. Strings: quoted, the bytes outside ' '..'~' and the
-- characters \ and " as \xx (two hex digits). Tables: {k=v,...} sorted by the text of the keys.
-- Several results: separated by spaces; an error: "error: MESSAGE" (its
-- bytes escaped as a string's, without the quotes).
local function esc(s) return (string.gsub(s, '[%z\1-\31"\\\127-\255]', function(c) return string.format('\\%02x', string.byte(c)) end)) end
local d
d = function(v)
  local t = type(v)
  if t == 'number' then return string.format('%.17g', v) end
  if t == 'string' then return '"' .. esc(v) .. '"' end
  if t == 'table' then
    local ks, o = {}, {}
    for k in pairs(v) do ks[#ks + 1] = {d(k), k} end
    table.sort(ks, function(a, b) return a[1] < b[1] end)
    for i = 1, #ks do o[i] = ks[i][1] .. '=' .. d(v[ks[i][2]]) end
    return '{' .. table.concat(o, ',') .. '}'
  end
  return tostring(v)
end
local function res(ok, ...)
  if not ok then return 'error: ' .. esc(tostring((...))) end
  local o = {}
  for i = 1, select('#', ...) do o[i] = d((select(i, ...))) end
  return table.concat(o, ' ')
end
