using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Slipway.Deploy.Scripts;

namespace Slipway.Deploy.Source;

/// <summary>The one commit a deploy ships, and (upload strategy) the archive of it made once, locally.</summary>
public sealed record ResolvedSource(string Commit, DateTimeOffset? CommitTime, string? ArchivePath);

/// <summary>A branch or revision that does not resolve, or git failing locally. The message is for the user.</summary>
public sealed class SourceException(string message) : Exception(message)
{
    public SourceException()
        : this("source error")
    {
    }

    public SourceException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}

/// <summary>
/// Resolves the branch (or revision) to one commit, locally, once per deploy. For <c>upload</c> a local mirror under
/// .slipway/git/ (next to slipway.yml) is fetched and the commit archived with <c>git archive</c>; for <c>git</c> the hosts
/// fetch themselves, so only <c>git ls-remote</c> runs here.
/// </summary>
public sealed partial class SourceResolver(ILocalGit git, string cacheRoot)
{
    public async Task<ResolvedSource> ResolveAsync(SourceStrategy strategy, string repoUrl, string reference, string workDir, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(repoUrl);
        ArgumentException.ThrowIfNullOrEmpty(reference);
        return strategy == SourceStrategy.Upload
            ? await ArchiveAsync(repoUrl, reference, workDir, ct)
            : new ResolvedSource(await LsRemoteAsync(repoUrl, reference, ct), null, null);
    }

    private async Task<ResolvedSource> ArchiveAsync(string repoUrl, string reference, string workDir, CancellationToken ct)
    {
        // A repository on this machine is read directly: a mirror of it would only be a slower copy.
        var mirror = IsLocalRepository(repoUrl) ? repoUrl : Path.Combine(cacheRoot, Hash(repoUrl));
        if (mirror != repoUrl)
        {
            await UpdateMirrorAsync(repoUrl, mirror, ct);
        }

        var (code, stdout, _) = await git.RunAsync(["-C", mirror, "log", "-1", "--format=%H %ct", reference + "^{commit}", "--"], ct);
        var parts = stdout.Trim().Split(' ');
        if (code != 0 || parts.Length != 2 || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var seconds))
        {
            throw new SourceException($"'{reference}' is not a branch, tag or commit of {repoUrl}");
        }

        Directory.CreateDirectory(workDir);
        var archive = Path.Combine(workDir, $"release-{parts[0][..12]}-{Guid.NewGuid():N}.tar");
        await RunAsync(["-C", mirror, "archive", "--format=tar", "-o", archive, parts[0]], "archive the commit", ct);
        return new ResolvedSource(parts[0], DateTimeOffset.FromUnixTimeSeconds(seconds), archive);
    }

    private async Task UpdateMirrorAsync(string repoUrl, string mirror, CancellationToken ct)
    {
        if (Directory.Exists(Path.Combine(mirror, "refs")))
        {
            await RunAsync(["-C", mirror, "remote", "set-url", "origin", repoUrl], "update the local mirror", ct);
            await RunAsync(["-C", mirror, "fetch", "--quiet", "--prune", "origin"], $"fetch {repoUrl}", ct);
            return;
        }

        Directory.CreateDirectory(cacheRoot);
        var temp = mirror + ".tmp-" + Guid.NewGuid().ToString("N");
        await RunAsync(["clone", "--mirror", "--quiet", repoUrl, temp], $"clone {repoUrl}", ct);
        try
        {
            Directory.Move(temp, mirror);
        }
        catch (IOException)
        {
            Directory.Delete(temp, recursive: true); // another run made it first
        }
    }

    private async Task<string> LsRemoteAsync(string repoUrl, string reference, CancellationToken ct)
    {
        if (reference.Length == 40 && reference.All(char.IsAsciiHexDigit))
        {
            return reference.ToLowerInvariant();
        }

        var stdout = await RunAsync(["ls-remote", repoUrl, "refs/heads/" + reference, "refs/tags/" + reference, "refs/tags/" + reference + "^{}"],
            $"list the refs of {repoUrl}", ct);
        var refs = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t'))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[1], p => p[0], StringComparer.Ordinal);
        foreach (var name in new[] { "refs/heads/" + reference, "refs/tags/" + reference + "^{}", "refs/tags/" + reference })
        {
            if (refs.TryGetValue(name, out var sha))
            {
                return sha;
            }
        }

        throw new SourceException(
            $"'{reference}' is not a branch or tag of {repoUrl} (the git strategy needs a branch, a tag or a full 40-character commit id)");
    }

    private async Task<string> RunAsync(IReadOnlyList<string> args, string what, CancellationToken ct)
    {
        var (code, stdout, stderr) = await git.RunAsync(args, ct);
        if (code != 0)
        {
            throw new SourceException($"git could not {what}: {stderr.Trim()}");
        }

        return stdout;
    }

    private static bool IsLocalRepository(string url) =>
        Path.IsPathRooted(url) && (Path.Exists(Path.Combine(url, ".git")) || Directory.Exists(Path.Combine(url, "refs")));

    private static string Hash(string url) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..16];
}
