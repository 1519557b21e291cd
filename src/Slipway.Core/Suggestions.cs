using Slipway.Core.Config.Internal;

namespace Slipway.Core;

/// <summary>"Did you mean …?" for a mistyped key, option or name; the same rule for slipway.yml and the command line.</summary>
public static class Suggestions
{
    /// <summary>The closest candidate when it is close enough to be a plausible typo, else null.</summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(candidates);
        return KeySuggester.Suggest(typed, candidates);
    }
}
