namespace Slipway.Core.Config.Internal;

/// <summary>
/// A YAML node with its position. We build our own small tree from YamlDotNet's parser events instead of using
/// YamlStream because YamlStream throws at the first duplicate key, and we want to report every problem at once.
/// </summary>
internal abstract class ConfigNode(SourceLocation location)
{
    public SourceLocation Location { get; } = location;

    /// <summary>Nodes in this subtree (itself included), used to bound alias expansion.</summary>
    public abstract long Size { get; }

    /// <summary>How the node is described in "got …" messages.</summary>
    public abstract string Describe();
}

internal sealed class ConfigScalar(SourceLocation location, string value, bool plain, bool singleLine) : ConfigNode(location)
{
    public string Value { get; } = value;

    /// <summary>Unquoted: only plain scalars can be null, booleans or numbers.</summary>
    public bool Plain { get; } = plain;

    /// <summary>Written on one line, so a column inside the value can be computed for messages.</summary>
    public bool SingleLine { get; } = singleLine;

    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override long Size => 1;

    public override string Describe()
    {
        if (IsNull)
        {
            return "an empty value";
        }

        var text = Value.Length > 60 ? Value[..57] + "..." : Value;
        var quoted = "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
        return Plain && LooksLikeNumberOrBool(Value) ? Value : quoted;
    }

    private static bool LooksLikeNumberOrBool(string value) =>
        value is "true" or "false" or "True" or "False" or "TRUE" or "FALSE" ||
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
}

internal sealed class ConfigSequence(SourceLocation location, IReadOnlyList<ConfigNode> items) : ConfigNode(location)
{
    public IReadOnlyList<ConfigNode> Items { get; } = items;

    public override long Size { get; } = 1 + items.Sum(i => i.Size);

    public override string Describe() => "a list";
}

internal sealed record MappingEntry(ConfigScalar Key, ConfigNode Value);

internal sealed class ConfigMapping(SourceLocation location, IReadOnlyList<MappingEntry> entries) : ConfigNode(location)
{
    public IReadOnlyList<MappingEntry> Entries { get; } = entries;

    public override long Size { get; } = 1 + entries.Sum(e => 1 + e.Value.Size);

    public override string Describe() => "a mapping";
}
