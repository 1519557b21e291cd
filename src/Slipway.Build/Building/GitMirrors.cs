using System.Security.Cryptography;
using Slipway.Build.Caching;
using System.Text;

namespace Slipway.Build.Building;

/// <summary>
/// Bare mirrors of the git sources under the work folder, one per URL, kept between runs: checkouts clone from there,
/// so a build never depends on the checkout path of the repository. A ref is resolved with one <c>git ls-remote</c>
/// per URL and run, which transfers the ref list and no objects; the mirror is fetched (at most once per run) only when
/// it lacks the commit a checkout needs, or for a ref only git can resolve (<c>main~1</c>, an abbreviated id).
/// </summary>
internal sealed class GitMirrors(string folder)
{
    private readonly Dictionary<string, Task<string>> _fetched = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task<IReadOnlyDictionary<string, string>?>> _advertised = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>How many times a mirror was cloned or fetched by this instance (tests and diagnostics).</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    /// <summary>How many times a repository's refs were listed with ls-remote by this instance.</summary>
    public int RefListings => Volatile.Read(ref _refListings);

    private int _fetches;
    private int _refListings;

    /// <summary>The mirror of <paramref name="url"/>, cloned or fetched (once per instance).</summary>
    public Task<string> MirrorAsync(string url, CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_fetched.TryGetValue(url, out var task))
            {
                task = FetchAsync(url, ct);
                _fetched[url] = task;
            }

            return task;
        }
    }

    /// <summary>
    /// The mirror of <paramref name="url"/> holding <paramref name="commit"/>: the one kept from an earlier run when it
    /// has the commit already, else cloned or fetched.
    /// </summary>
    public async Task<string> MirrorWithAsync(string url, string commit, CancellationToken ct)
    {
        Task<string>? fetching;
        lock (_gate)
        {
            _fetched.TryGetValue(url, out fetching);
        }

        if (fetching is not null)
        {
            return await fetching;
        }

        var mirror = MirrorPath(url);
        if (Directory.Exists(mirror) && await HasCommitAsync(mirror, commit, ct))
        {
            return mirror;
        }

        return await MirrorAsync(url, ct);
    }

    public async Task<string> ResolveAsync(string url, string gitRef, CancellationToken ct)
    {
        if (await AdvertisedAsync(url, ct) is { } refs && RemoteRefs.Resolve(refs, gitRef) is { } commit)
        {
            return commit;
        }

        var mirror = await MirrorAsync(url, ct);
        try
        {
            return await ProcessRunner.GitAsync(mirror, null, ct, "rev-parse", "--verify", "--quiet", gitRef + "^{commit}");
        }
        catch (BuildStepException)
        {
            throw new BuildStepException($"git ref '{gitRef}' not found in {url}");
        }
    }

    /// <summary>The commit the object <paramref name="objectId"/> (read from <paramref name="gitRef"/>) peels to, asked of the mirror.</summary>
    public async Task<string> PeelAsync(string url, string objectId, string gitRef, CancellationToken ct)
    {
        var mirror = await MirrorAsync(url, ct);
        try
        {
            return await ProcessRunner.GitAsync(mirror, null, ct, "rev-parse", "--verify", "--quiet", objectId + "^{commit}");
        }
        catch (BuildStepException)
        {
            throw new BuildStepException($"git ref '{gitRef}' not found in {url}");
        }
    }

    /// <summary>The refs <paramref name="url"/> advertises, listed once per instance; null when ls-remote fails (the mirror's fetch then reports why).</summary>
    private Task<IReadOnlyDictionary<string, string>?> AdvertisedAsync(string url, CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_advertised.TryGetValue(url, out var task))
            {
                task = ListAsync(url, ct);
                _advertised[url] = task;
            }

            return task;
        }
    }

    private async Task<IReadOnlyDictionary<string, string>?> ListAsync(string url, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        Interlocked.Increment(ref _refListings);
        var result = await ProcessRunner.RunAsync("git", ["ls-remote", "--", url], folder, null, ct);
        return result.ExitCode == 0 ? RemoteRefs.Parse(result.Output) : null;
    }

    private static async Task<bool> HasCommitAsync(string mirror, string commit, CancellationToken ct) =>
        (await ProcessRunner.RunAsync("git", ["cat-file", "-e", commit + "^{commit}"], mirror, null, ct)).ExitCode == 0;

    private string MirrorPath(string url) =>
        Path.Combine(folder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..16] + ".git");

    private async Task<string> FetchAsync(string url, CancellationToken ct)
    {
        var mirror = MirrorPath(url);
        Directory.CreateDirectory(folder);
        Interlocked.Increment(ref _fetches);
        if (Directory.Exists(mirror))
        {
            await ProcessRunner.GitAsync(mirror, null, ct, "fetch", "--quiet", "--prune", "--tags", "origin");
        }
        else
        {
            var partial = mirror + ".partial-" + Guid.NewGuid().ToString("N");
            await ProcessRunner.GitAsync(folder, null, ct, "clone", "--quiet", "--mirror", url, partial);
            Directory.Move(partial, mirror);
        }

        return mirror;
    }
}
