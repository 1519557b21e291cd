namespace Slipway.Build.Caching;

/// <summary>
/// The refs a repository advertises (<c>git ls-remote URL</c>), and a ref name resolved against them in git's order
/// (gitrevisions(7): the name itself, <c>refs/NAME</c>, <c>refs/tags/NAME</c>, <c>refs/heads/NAME</c>,
/// <c>refs/remotes/NAME</c>, <c>refs/remotes/NAME/HEAD</c>), an annotated tag through its peeled <c>^{}</c> line. A name
/// the list cannot answer (<c>main~1</c>, an abbreviated id) resolves to null and the caller asks git in a mirror. Pure.
/// </summary>
internal static class RemoteRefs
{
    /// <summary>Ref name to object id, from ls-remote's <c>ID&lt;TAB&gt;NAME</c> lines (other lines are ignored).</summary>
    public static IReadOnlyDictionary<string, string> Parse(string lsRemote)
    {
        ArgumentNullException.ThrowIfNull(lsRemote);
        var refs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lsRemote.Split('\n'))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab is 40 or 64 && GitRefs.IsObjectId(line[..tab]))
            {
                refs.TryAdd(line[(tab + 1)..].TrimEnd('\r'), line[..tab].ToLowerInvariant());
            }
        }

        return refs;
    }

    /// <summary>The commit <paramref name="gitRef"/> names in <paramref name="refs"/>, or null when the list does not say.</summary>
    public static string? Resolve(IReadOnlyDictionary<string, string> refs, string gitRef)
    {
        ArgumentNullException.ThrowIfNull(refs);
        ArgumentNullException.ThrowIfNull(gitRef);
        string[] candidates = gitRef.StartsWith("refs/", StringComparison.Ordinal)
            ? [gitRef]
            : [gitRef, "refs/" + gitRef, "refs/tags/" + gitRef, "refs/heads/" + gitRef, "refs/remotes/" + gitRef, "refs/remotes/" + gitRef + "/HEAD"];
        foreach (var name in candidates)
        {
            if (refs.TryGetValue(name + "^{}", out var peeled))
            {
                return peeled;
            }

            if (refs.TryGetValue(name, out var id))
            {
                // A tag outside refs/tags is not peeled by ls-remote: only git in a mirror can tell what it names.
                return name.StartsWith("refs/tags/", StringComparison.Ordinal) || name.StartsWith("refs/heads/", StringComparison.Ordinal)
                    || name == "HEAD" || name.StartsWith("refs/remotes/", StringComparison.Ordinal) ? id : null;
            }
        }

        return null;
    }
}
