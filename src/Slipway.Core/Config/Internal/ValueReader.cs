using System.Globalization;

namespace Slipway.Core.Config.Internal;

/// <summary>Typed reads of single nodes; each returns null after reporting what was wrong and what is allowed.</summary>
internal static class ValueReader
{
    public static string? String(BindContext context, ConfigNode node, string path)
    {
        if (node is not ConfigScalar scalar || scalar.IsNull)
        {
            context.Error(node, path, $"must be a string, got {node.Describe()}");
            return null;
        }

        return context.Substitute(scalar, path);
    }

    public static string? NonEmptyString(BindContext context, ConfigNode node, string path)
    {
        var value = String(context, node, path);
        if (value is not null && value.Trim().Length == 0)
        {
            context.Error(node, path, "must not be empty");
            return null;
        }

        return value;
    }

    public static int? Int(BindContext context, ConfigNode node, string path, int min, int max)
    {
        var expected = string.Create(CultureInfo.InvariantCulture, $"must be an integer from {min} to {max}");
        if (node is not ConfigScalar scalar || scalar.IsNull)
        {
            context.Error(node, path, $"{expected}, got {node.Describe()}");
            return null;
        }

        var text = context.Substitute(scalar, path);
        if (text is null)
        {
            return null;
        }

        // Parse as long first so 99999999999 is "out of range", not "not a number"; BigInteger-sized input is neither.
        if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ||
            value < min || value > max)
        {
            context.Error(node, path, $"{expected}, got {Describe(scalar, text)}");
            return null;
        }

        return (int)value;
    }

    /// <summary>A number from 0 to 1 (a share, such as a jitter of 0.25).</summary>
    public static double? Fraction(BindContext context, ConfigNode node, string path)
    {
        var text = String(context, node, path);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value is < 0 or > 1)
        {
            context.Error(node, path, $"must be a number from 0 to 1 such as 0.25, got \"{text}\"");
            return null;
        }

        return value;
    }

    public static TimeSpan? Duration(BindContext context, ConfigNode node, string path)
    {
        var text = String(context, node, path);
        if (text is null)
        {
            return null;
        }

        var value = Durations.Parse(text);
        if (value is null)
        {
            context.Error(node, path, $"must be a duration such as 500ms, 10s, 5m, 2h or 7d, got \"{text}\"");
        }

        return value;
    }

    public static bool? Bool(BindContext context, ConfigNode node, string path)
    {
        var text = node is ConfigScalar { IsNull: false } scalar ? context.Substitute(scalar, path) : "";
        switch (text)
        {
            case null:
                return null;
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
            default:
                context.Error(node, path, $"must be true or false, got {DescribeNode(node, text)}");
                return null;
        }
    }

    public static string? Enum(BindContext context, ConfigNode node, string path, IReadOnlyList<string> allowed)
    {
        var text = node is ConfigScalar { IsNull: false } scalar ? context.Substitute(scalar, path) : "";
        if (text is null)
        {
            return null;
        }

        if (!allowed.Contains(text, StringComparer.Ordinal))
        {
            var suggestion = KeySuggester.Suggest(text, allowed);
            var hint = suggestion is null ? "" : $" (did you mean '{suggestion}'?)";
            context.Error(node, path, $"must be one of {string.Join(", ", allowed)}; got {DescribeNode(node, text)}{hint}");
            return null;
        }

        return text;
    }

    /// <summary>A list of strings; a bad item is reported and left out, so the rest can still be checked.</summary>
    public static List<(string Value, ConfigNode Node, string Path)>? StringList(BindContext context, ConfigNode node, string path)
    {
        if (node is not ConfigSequence sequence)
        {
            context.Error(node, path, $"must be a list of strings, got {node.Describe()}");
            return null;
        }

        var result = new List<(string, ConfigNode, string)>();
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var itemPath = Paths.Index(path, i);
            var value = NonEmptyString(context, sequence.Items[i], itemPath);
            if (value is not null)
            {
                result.Add((value, sequence.Items[i], itemPath));
            }
        }

        return result;
    }

    private static string DescribeNode(ConfigNode node, string text) =>
        node is ConfigScalar scalar ? Describe(scalar, text) : node.Describe();

    // After substitution the text may differ from the file; describe what was actually checked.
    private static string Describe(ConfigScalar scalar, string text) =>
        text == scalar.Value ? scalar.Describe() : new ConfigScalar(scalar.Location, text, scalar.Plain, true).Describe();
}
