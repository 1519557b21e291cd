namespace Slipway.Queue.Internal;

/// <summary>Queue names: 1 to 100 of A–Z a–z 0–9 . _ - : (they appear in URLs, metrics labels and NOTIFY payloads).</summary>
internal static class QueueNames
{
    public const int MaxLength = 100;

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':');

    public static void Check(string? name)
    {
        if (!IsValid(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a queue name: use 1 to {MaxLength} characters of A-Z a-z 0-9 . _ - :", nameof(name));
        }
    }
}
