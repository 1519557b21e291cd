using System.Text;

namespace Slipway.Core.Shell;

/// <summary>
/// The one function that quotes values for a POSIX shell. Everything that reaches a remote shell goes
/// through here: a quoted value is always exactly one word and is never expanded, whatever it holds.
/// </summary>
public static class ShellQuote
{
    /// <summary>
    /// Single-quotes <paramref name="value"/> for <c>sh</c>. Inside single quotes nothing is special except
    /// the quote itself, which is written as <c>'\''</c>. Plain words made only of safe characters are left
    /// bare so commands stay readable in logs.
    /// </summary>
    /// <exception cref="ArgumentException">The value holds a NUL character, which no shell word can carry.</exception>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A shell argument cannot contain a NUL character.", nameof(value));
        }

        if (value.Length > 0 && IsSafeBareWord(value))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 2);
        builder.Append('\'');
        foreach (var c in value)
        {
            if (c == '\'')
            {
                builder.Append("'\\''");
            }
            else
            {
                builder.Append(c);
            }
        }

        builder.Append('\'');
        return builder.ToString();
    }

    /// <summary>Quotes each value and joins them with spaces.</summary>
    public static string Join(IEnumerable<string> values) => string.Join(' ', values.Select(Quote));

    private static bool IsSafeBareWord(string value)
    {
        foreach (var c in value)
        {
            var safe = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                or '_' or '-' or '.' or '/' or ':' or ',' or '+' or '@' or '%' or '=';
            if (!safe)
            {
                return false;
            }
        }

        // A leading '=' or '~' could be expanded by some shells (zsh '=cmd', tilde expansion).
        return value[0] is not ('=' or '~');
    }
}
