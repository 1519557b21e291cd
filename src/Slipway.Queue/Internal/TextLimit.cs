namespace Slipway.Queue.Internal;

/// <summary>Keeps the end of a long output: the last lines say why a job failed.</summary>
internal static class TextLimit
{
    public const string CutMarker = "[…cut…]\n";

    public static string? Tail(string? text, int limit)
    {
        if (text is null || text.Length <= limit)
        {
            return text;
        }

        var keep = Math.Max(0, limit - CutMarker.Length);
        var start = text.Length - keep;

        // Never start in the middle of a surrogate pair.
        if (start < text.Length && char.IsLowSurrogate(text[start]))
        {
            start++;
        }

        return CutMarker + text[start..];
    }
}
