namespace Slipway.Build.Caching;

/// <summary>The object a ref names and, when the repository already recorded it, the commit it peels to.</summary>
internal sealed record RefTarget(string ObjectId, string? PeeledCommit);

/// <summary>
/// Reads refs of a git repository on this machine straight from its files (loose refs and packed-refs), so deciding
/// what a branch points at starts no git process. Only the plain cases are handled: a repository with its own
/// <c>.git</c> folder or a bare one, files backend, a branch, tag or full ref name resolved in git's order
/// (gitrevisions(7)). Anything else (reftable, a linked worktree, HEAD and other special names, abbreviated ids)
/// returns null and the caller asks git.
/// </summary>
internal static class GitRefs
{
    private const int MaxSymbolicDepth = 5;

    /// <summary>The git folder of a repository given as a local path or file:// URL; null for remote URLs and odd layouts.</summary>
    public static string? LocalGitDir(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        string path;
        if (url.StartsWith("file://", StringComparison.Ordinal))
        {
            path = new Uri(url).LocalPath;
        }
        else if (Path.IsPathRooted(url))
        {
            path = url;
        }
        else
        {
            return null;
        }

        var dotGit = Path.Combine(path, ".git");
        var gitDir = Directory.Exists(dotGit) ? dotGit : path;
        var plain = File.Exists(Path.Combine(gitDir, "HEAD")) && Directory.Exists(Path.Combine(gitDir, "refs"))
            && !Directory.Exists(Path.Combine(gitDir, "reftable")) && !File.Exists(Path.Combine(gitDir, "commondir"));
        return plain ? gitDir : null;
    }

    /// <summary>What <paramref name="name"/> names in <paramref name="gitDir"/>, or null when git should be asked.</summary>
    public static RefTarget? Resolve(string gitDir, string name)
    {
        ArgumentNullException.ThrowIfNull(gitDir);
        ArgumentNullException.ThrowIfNull(name);
        if (IsObjectId(name))
        {
            return new RefTarget(name.ToLowerInvariant(), null);
        }

        if (name.Length == 0 || name.Contains("..", StringComparison.Ordinal) || name.StartsWith('/') || name.StartsWith('-')
            || name.Contains('\\', StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal)
            || name.Contains('^', StringComparison.Ordinal) || name.Contains('~', StringComparison.Ordinal)
            || name.Contains(':', StringComparison.Ordinal))
        {
            return null; // revision syntax: git knows
        }

        var full = name.StartsWith("refs/", StringComparison.Ordinal);
        if (!full && File.Exists(Path.Combine(gitDir, name)))
        {
            return null; // a special ref such as HEAD or FETCH_HEAD, git's first rule
        }

        var packed = PackedRefs(gitDir);
        string[] candidates = full
            ? [name, $"refs/{name}", $"refs/tags/{name}", $"refs/heads/{name}", $"refs/remotes/{name}"]
            : [$"refs/{name}", $"refs/tags/{name}", $"refs/heads/{name}", $"refs/remotes/{name}"];
        foreach (var candidate in candidates)
        {
            if (Lookup(gitDir, candidate, packed, 0) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="text"/> is a full object id (SHA-1 or SHA-256 hex).</summary>
    public static bool IsObjectId(string text) =>
        text.Length is 40 or 64 && text.All(Uri.IsHexDigit);

    private static RefTarget? Lookup(string gitDir, string refName, Dictionary<string, RefTarget> packed, int depth)
    {
        var loose = Path.Combine(gitDir, refName);
        if (File.Exists(loose))
        {
            var content = File.ReadAllText(loose).Trim();
            if (content.StartsWith("ref: ", StringComparison.Ordinal))
            {
                return depth < MaxSymbolicDepth ? Lookup(gitDir, content[5..].Trim(), packed, depth + 1) : null;
            }

            return IsObjectId(content) ? Branch(refName, new RefTarget(content.ToLowerInvariant(), null)) : null;
        }

        return packed.TryGetValue(refName, out var target) ? Branch(refName, target) : null;
    }

    // git only lets a branch point at a commit, so its object id is the commit; a tag may name a tag object.
    private static RefTarget Branch(string refName, RefTarget target) =>
        refName.StartsWith("refs/heads/", StringComparison.Ordinal) && target.PeeledCommit is null
            ? target with { PeeledCommit = target.ObjectId }
            : target;

    /// <summary>packed-refs: "OID NAME" lines, each optionally followed by "^PEELED" (the commit an annotated tag names).</summary>
    internal static Dictionary<string, RefTarget> ParsePackedRefs(IEnumerable<string> lines)
    {
        var refs = new Dictionary<string, RefTarget>(StringComparer.Ordinal);
        string? last = null;
        foreach (var line in lines)
        {
            if (line.StartsWith('^') && last is not null && IsObjectId(line[1..].Trim()))
            {
                refs[last] = refs[last] with { PeeledCommit = line[1..].Trim().ToLowerInvariant() };
            }
            else if (line.Length > 0 && !line.StartsWith('#') && line.Split(' ', 2) is [var oid, var name] && IsObjectId(oid))
            {
                refs[name] = new RefTarget(oid.ToLowerInvariant(), null);
                last = name;
            }
            else
            {
                last = null;
            }
        }

        return refs;
    }

    private static Dictionary<string, RefTarget> PackedRefs(string gitDir)
    {
        var file = Path.Combine(gitDir, "packed-refs");
        return File.Exists(file) ? ParsePackedRefs(File.ReadLines(file)) : [];
    }
}
