namespace Slipway.Core.Config;

/// <summary>A 1-based line and column in a config file.</summary>
public readonly record struct SourceLocation(int Line, int Column)
{
    public override string ToString() =>
        Line.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" +
        Column.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
