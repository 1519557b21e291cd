using System.Security.Cryptography;
using System.Text;

namespace Slipway.Build.Building;

/// <summary>
/// Bare mirrors of the git sources under the work folder, one per URL, fetched once per run: refs resolve there to
/// commits, and checkouts clone from there, so a build never depends on the checkout path of the repository.
/// </summary>
internal sealed class GitMirrors(string folder)
{
    private readonly Dictionary<string, Task<string>> _fetched = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

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

    public async Task<string> ResolveAsync(string url, string gitRef, CancellationToken ct)
    {
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

    private async Task<string> FetchAsync(string url, CancellationToken ct)
    {
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..16];
        var mirror = Path.Combine(folder, name + ".git");
        Directory.CreateDirectory(folder);
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
