namespace Slipway.Core;

/// <summary>
/// <c>~</c> expansion for the few settings documented to take it (identity_file, known_hosts, config_file).
/// The config model keeps <c>~</c> as written so messages and <c>config show</c> echo the user's text; code that
/// opens the file locally expands it at the last moment.
/// </summary>
public static class PathExpansion
{
    /// <summary>
    /// Expands a leading <c>~</c> or <c>~/</c> to <paramref name="home"/> (default: the current user's home).
    /// <c>~user</c> is left alone.
    /// </summary>
    public static string ExpandHome(string path, string? home = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            home ??= Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return path.Length == 1 ? home : Path.Join(home, path.AsSpan(2));
        }

        return path;
    }
}
