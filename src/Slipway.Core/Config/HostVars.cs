using System.Text;

namespace Slipway.Core.Config;

/// <summary>
/// Per-host template variables: <c>${name}</c> (or <c>${name:-default}</c>) in process and health-check texts is taken
/// from the host's <c>vars:</c>. The loader expands environment variables and <c>$$</c> but leaves references to names
/// some host declares, for expansion per host here; the loader has already checked that every host involved has them,
/// so a name the host lacks (a shell's <c>${HOME}</c> written as <c>$${HOME}</c>) is left as it is. Pure.
/// </summary>
public static class HostVars
{
    /// <summary>The text with the host's variables (or the reference's default) in.</summary>
    public static string Expand(string text, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(host);
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (!TryReference(text, i, out var name, out var fallback, out var end))
            {
                result.Append(text[i]);
                i++;
                continue;
            }

            var value = host.Vars.TryGetValue(name, out var v) && v.Length > 0 ? v : fallback;
            result.Append(value ?? text[i..end]);
            i = end;
        }

        return result.ToString();
    }

    /// <summary>The names a text refers to with <c>${name}</c>, with whether each has a default.</summary>
    public static IEnumerable<(string Name, bool HasDefault)> References(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (TryReference(text, i, out var name, out var fallback, out var end))
            {
                yield return (name, fallback is not null);
                i = end - 1;
            }
        }
    }

    private static bool TryReference(string text, int i, out string name, out string? fallback, out int end)
    {
        name = "";
        fallback = null;
        end = i;
        if (text[i] != '$' || i + 1 >= text.Length || text[i + 1] != '{')
        {
            return false;
        }

        var close = text.IndexOf('}', i + 2);
        if (close < 0)
        {
            return false;
        }

        var body = text[(i + 2)..close];
        var separator = body.IndexOf(":-", StringComparison.Ordinal);
        name = separator < 0 ? body : body[..separator];
        fallback = separator < 0 ? null : body[(separator + 2)..];
        end = close + 1;
        return name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }
}
