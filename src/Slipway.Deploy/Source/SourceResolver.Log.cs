using System.Globalization;

namespace Slipway.Deploy.Source;

/// <summary>One commit as <c>git log</c> summarises it.</summary>
public sealed record CommitSummary(string Commit, DateTimeOffset Time, string Author, string Subject);

public sealed partial class SourceResolver
{
    /// <summary>
    /// The commits <paramref name="to"/> has that <paramref name="from"/> lacks (newest first, at most
    /// <paramref name="max"/>), read from the repository itself when it is on this machine, else from the local mirror.
    /// </summary>
    public async Task<IReadOnlyList<CommitSummary>> LogAsync(string repoUrl, string? from, string to, int max, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(repoUrl);
        ArgumentException.ThrowIfNullOrEmpty(to);
        var repo = await LocalCopyAsync(repoUrl, ct);
        var range = from is null ? to : $"{from}..{to}";
        var stdout = await RunAsync(["-C", repo, "log", "--format=%H%x09%ct%x09%an%x09%s", $"--max-count={max.ToString(CultureInfo.InvariantCulture)}", range, "--"],
            $"list the commits {range}", ct);
        return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t', 4)).Where(p => p.Length == 4)
            .Select(p => new CommitSummary(p[0], DateTimeOffset.FromUnixTimeSeconds(long.Parse(p[1], CultureInfo.InvariantCulture)), p[2], p[3]))];
    }

    /// <summary>How many commits <paramref name="to"/> has that <paramref name="from"/> lacks (<c>git rev-list --count</c>).</summary>
    public async Task<int> CountAsync(string repoUrl, string from, string to, CancellationToken ct)
    {
        var repo = await LocalCopyAsync(repoUrl, ct);
        var stdout = await RunAsync(["-C", repo, "rev-list", "--count", $"{from}..{to}", "--"], $"count the commits {from}..{to}", ct);
        return int.Parse(stdout.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The commit a branch or tag names, from the repository (not from any host).</summary>
    public Task<string> HeadAsync(string repoUrl, string branch, CancellationToken ct) => LsRemoteAsync(repoUrl, branch, ct);

    // One fetch per run, however many ranges a command asks about.
    private readonly Dictionary<string, Task<string>> _copies = new(StringComparer.Ordinal);

    private Task<string> LocalCopyAsync(string repoUrl, CancellationToken ct)
    {
        lock (_copies)
        {
            if (!_copies.TryGetValue(repoUrl, out var copy))
            {
                copy = IsLocalRepository(repoUrl) ? Task.FromResult(repoUrl) : FetchAsync(repoUrl, ct);
                _copies[repoUrl] = copy;
            }

            return copy;
        }
    }

    private async Task<string> FetchAsync(string repoUrl, CancellationToken ct)
    {
        var mirror = Path.Combine(cacheRoot, Hash(repoUrl));
        await UpdateMirrorAsync(repoUrl, mirror, ct);
        return mirror;
    }
}
