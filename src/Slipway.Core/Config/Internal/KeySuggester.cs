namespace Slipway.Core.Config.Internal;

/// <summary>"Did you mean" for misspelt keys, by optimal-string-alignment (Damerau–Levenshtein) distance. Pure.</summary>
internal static class KeySuggester
{
    /// <summary>The closest candidate when it is close enough to be a plausible typo, else null.</summary>
    public static string? Suggest(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var typedNormal = Normalize(typed);
        foreach (var candidate in candidates)
        {
            // repoUrl, repo-url and REPO_URL all mean repo_url.
            if (Normalize(candidate) == typedNormal)
            {
                return candidate;
            }

            var distance = Distance(typed.ToLowerInvariant(), candidate);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        return best is not null && bestDistance <= Allowed(Math.Max(typed.Length, best.Length)) ? best : null;
    }

    // Short keys tolerate one slip; longer ones more, but never so many that unrelated words match.
    private static int Allowed(int length) => length <= 4 ? 1 : length <= 9 ? 2 : 3;

    private static string Normalize(string key) =>
        new([.. key.Where(c => c != '_' && c != '-').Select(char.ToLowerInvariant)]);

    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
