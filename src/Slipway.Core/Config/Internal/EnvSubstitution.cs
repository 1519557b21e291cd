using System.Text;

namespace Slipway.Core.Config.Internal;

/// <summary>
/// <c>${VAR}</c>, <c>${VAR:-default}</c> and <c>$$</c> in config values. Pure. A lone <c>$</c> (as in <c>$HOME</c>)
/// is kept as written so hook commands can still use shell variables on the host.
/// </summary>
internal static class EnvSubstitution
{
    /// <param name="Offset">Index of the <c>$</c> in the original text.</param>
    /// <param name="Message">What is wrong with the reference.</param>
    internal readonly record struct Problem(int Offset, string Message);

    /// <param name="text">The value as written.</param>
    /// <param name="environment">Looks a variable up; null when unset.</param>
    /// <param name="problems">Receives what is wrong with each bad reference.</param>
    /// <param name="keep">
    /// Names left as written for a later, per-host expansion (<see cref="HostVars"/>).
    /// </param>
    public static string Expand(string text, Func<string, string?> environment, List<Problem> problems, Func<string, bool>? keep = null)
    {
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '$' || i + 1 >= text.Length || (text[i + 1] != '$' && text[i + 1] != '{'))
            {
                result.Append(c);
                i++;
                continue;
            }

            if (text[i + 1] == '$')
            {
                result.Append('$');
                i += 2;
                continue;
            }

            var close = text.IndexOf('}', i + 2);
            if (close < 0)
            {
                problems.Add(new Problem(i, "'${' has no closing '}' (write '$$' for a literal '$')"));
                return text;
            }

            var body = text[(i + 2)..close];
            var separator = body.IndexOf(":-", StringComparison.Ordinal);
            var name = separator < 0 ? body : body[..separator];
            var fallback = separator < 0 ? null : body[(separator + 2)..];
            if (keep is not null && IsName(name) && keep(name))
            {
                result.Append(text, i, close + 1 - i);
            }
            else if (!IsName(name))
            {
                problems.Add(new Problem(i, $"'${{{body}}}' is not a valid variable reference; names are letters, digits and '_'"));
            }
            else
            {
                var value = environment(name);
                if (string.IsNullOrEmpty(value) && fallback is not null)
                {
                    value = fallback;
                }

                if (value is null)
                {
                    problems.Add(new Problem(i,
                        $"environment variable {name} is not set (write '${{{name}:-default}}' to give a default)"));
                }

                result.Append(value);
            }

            i = close + 1;
        }

        return result.ToString();
    }

    private static bool IsName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');
}
