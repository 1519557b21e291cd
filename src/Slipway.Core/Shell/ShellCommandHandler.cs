using System.Runtime.CompilerServices;
using System.Text;

namespace Slipway.Core.Shell;

/// <summary>
/// Interpolated-string handler for <see cref="ShellCommand.Create"/>: literal parts are shell code, every
/// hole is a value and gets quoted. The <c>r</c> format marks a secret: it runs as written but displays as <c>***</c>.
/// </summary>
[InterpolatedStringHandler]
public ref struct ShellCommandHandler
{
    private const string RedactedFormat = "r";
    private readonly StringBuilder _text;
    private readonly StringBuilder _display;

    public ShellCommandHandler(int literalLength, int formattedCount)
    {
        _text = new StringBuilder(literalLength + (formattedCount * 8));
        _display = new StringBuilder(literalLength + (formattedCount * 8));
    }

    public readonly void AppendLiteral(string value)
    {
        _text.Append(value);
        _display.Append(value);
    }

    public readonly void AppendFormatted(string? value, string? format = null) => AppendValue(value ?? "", format);

    /// <summary>A command built the same way is already quoted: it goes in as it is, its redactions kept.</summary>
    public readonly void AppendFormatted(ShellCommand command)
    {
        _text.Append(command.Text);
        _display.Append(command.ToString());
    }

    public readonly void AppendFormatted<T>(T value, string? format = null)
    {
        // Overload resolution prefers this generic one for string[], List<string> and IReadOnlyList<string> (an exact
        // match beats the conversion to IEnumerable<string>); without this they would print their type name.
        if (value is IEnumerable<string> values)
        {
            AppendFormatted(values, format);
            return;
        }

        var text = value switch
        {
            IFormattable formattable when format is not RedactedFormat =>
                formattable.ToString(format, System.Globalization.CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value?.ToString() ?? "",
        };
        AppendValue(text, format);
    }

    /// <summary>Lists of values become one quoted word each.</summary>
    public readonly void AppendFormatted(IEnumerable<string> values, string? format = null)
    {
        var first = true;
        foreach (var value in values)
        {
            if (!first)
            {
                AppendLiteral(" ");
            }

            AppendValue(value, format);
            first = false;
        }
    }

    internal readonly string GetText() => _text.ToString();

    internal readonly string GetDisplay() => _display.ToString();

    private readonly void AppendValue(string value, string? format)
    {
        var quoted = ShellQuote.Quote(value);
        _text.Append(quoted);
        _display.Append(format == RedactedFormat ? "***" : quoted);
    }
}
