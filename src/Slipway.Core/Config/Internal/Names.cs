using System.Text.RegularExpressions;

namespace Slipway.Core.Config.Internal;

/// <summary>Names users choose (application, stages, roles, processes) end up in paths, CLI arguments and supervisord sections.</summary>
internal static partial class Names
{
    public const int MaxLength = 64;

    public static bool IsName(string value) => value.Length <= MaxLength && NamePattern().IsMatch(value);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex NamePattern();
}
