using System.Globalization;
using Slipway.Build.Store.Signing;

namespace Slipway.Build.Store;

/// <summary>
/// The shared store as a cache that never fails a build: a look-up that takes longer than the time-out or fails is an
/// error (counted apart from misses) and the package is built instead; after the first error the store is not asked
/// again in this run, so an unreachable store costs one time-out, not one per package. Manifests that fail signature
/// verification are refused. Thread-safe: packages look up, fetch and push from their own tasks.
/// </summary>
public sealed class RemoteCache(IRemoteArtifactStore store, TimeSpan lookupTimeout, ManifestVerifier? verifier = null)
{
    private static readonly TimeSpan StartupAllowance = TimeSpan.FromSeconds(15);

    private int _hits;
    private int _misses;
    private int _errors;
    private int _refused;
    private int _pushed;
    private int _pushErrors;
    private int _leftOver;
    private string? _firstError;

    public IRemoteArtifactStore Store => store;

    public string Kind => store.Kind;

    public int Hits => _hits;

    public int Misses => _misses;

    /// <summary>Look-ups, downloads and uploads that got no usable answer (time-outs, refused credentials, server errors).</summary>
    public int Errors => _errors;

    /// <summary>Manifests found but refused: unsigned or wrongly signed while a public key is configured.</summary>
    public int Refused => _refused;

    public int Pushed => _pushed;

    public int PushErrors => _pushErrors;

    /// <summary>Artifacts built by earlier runs while the store was unreachable, pushed by this one.</summary>
    public int PushedLeftOver => _leftOver;

    /// <summary>The first error in plain words; null when there was none.</summary>
    public string? FirstError => Volatile.Read(ref _firstError);

    /// <summary>Once an error happened the store is not asked again in this run.</summary>
    public bool Down => FirstError is not null;

    /// <summary>Raised once per error or refusal with a line for the user (the CLI prints it as a warning).</summary>
    public event Action<string>? Warning;

    /// <summary>The stored manifest (verified when a public key is configured), or null: a miss, an error or a refusal.</summary>
    public async Task<ArtifactManifest?> LookupAsync(string package, string key, CancellationToken ct)
    {
        if (Down)
        {
            Interlocked.Increment(ref _errors);
            return null;
        }

        ArtifactManifest? manifest;
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            // A backstop only: the store bounds the wait for its server by the time-out itself (from when the request
            // is sent), so a client's slow first start in a fresh process is not taken for a slow store.
            limit.CancelAfter(lookupTimeout + StartupAllowance);
            try
            {
                manifest = await store.FindAsync(package, key, limit.Token);
            }
            catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // The SDK reports its HTTP time-out as TimeoutException; the backstop cancels.
                Fail($"look-up of {package} timed out after {Seconds(lookupTimeout)}");
                return null;
            }
            catch (Exception e) when (e is RemoteStoreException or CorruptArtifactException or IOException or HttpRequestException)
            {
                Fail($"look-up of {package} failed: {e.Message}");
                return null;
            }
        }

        if (manifest is null)
        {
            Interlocked.Increment(ref _misses);
            return null;
        }

        if (verifier is not null && verifier.Check(manifest) is { } refusal)
        {
            Interlocked.Increment(ref _refused);
            Warning?.Invoke($"{store.Location}: {package} {manifest.Key[..12]} refused: {refusal}; building it instead");
            return null;
        }

        Interlocked.Increment(ref _hits);
        return manifest;
    }

    /// <summary>Downloads a looked-up artifact (verified) into the local store; the error in words when it could not.</summary>
    public async Task<string?> FetchAsync(ArtifactManifest manifest, LocalFolderStore local, string scratch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(local);
        var folder = Path.Combine(scratch, $"fetch-{manifest.Key}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var path = Path.Combine(folder, LocalFolderStore.ArtifactFile);
            await store.DownloadAsync(manifest, path, ct);
            await local.PutAsync(manifest, path, ct);
            return null;
        }
        catch (Exception e) when (e is RemoteStoreException or CorruptArtifactException or IOException or HttpRequestException or TimeoutException
            || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            var message = $"download of {manifest.Package} failed: {e.Message}";
            Fail(message);
            return message;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Publishes what was built here, unless the store is read-only or down; failures are counted, never thrown. True
    /// when it was uploaded. <paramref name="leftOver"/>: built by an earlier run that could not push it (counted apart).
    /// </summary>
    public async Task<bool> PushAsync(ArtifactManifest manifest, string artifactPath, CancellationToken ct, bool leftOver = false)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (store.IsReadOnly)
        {
            return false;
        }

        if (Down)
        {
            if (!leftOver)
            {
                Interlocked.Increment(ref _pushErrors);
            }

            return false;
        }

        try
        {
            await store.PutAsync(manifest, artifactPath, ct);
            Interlocked.Increment(ref _pushed);
            if (leftOver)
            {
                Interlocked.Increment(ref _leftOver);
            }

            return true;
        }
        catch (Exception e) when (e is RemoteStoreException or IOException or HttpRequestException or TimeoutException
            || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            if (!leftOver)
            {
                Interlocked.Increment(ref _pushErrors);
            }

            Fail($"upload of {manifest.Package} failed: {e.Message}", countAsError: false);
            return false;
        }
    }

    /// <summary>
    /// <c>artifacts gc --s3</c>: all but the <paramref name="keep"/> newest artifacts (by build time) of every package in
    /// the shared store, removed unless <paramref name="dryRun"/>; errors are thrown (<see cref="RemoteStoreException"/>),
    /// since pruning is what was asked for.
    /// </summary>
    public async Task<IReadOnlyList<ArtifactManifest>> PruneAsync(int keep, bool dryRun, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var all = await store.ListAsync(ct);
        var remove = all.GroupBy(m => m.Package, StringComparer.Ordinal)
            .SelectMany(g => g.OrderByDescending(m => m.BuiltAt).Skip(keep))
            .OrderBy(m => m.Package, StringComparer.Ordinal).ThenByDescending(m => m.BuiltAt).ToList();
        if (!dryRun && remove.Count > 0)
        {
            await store.RemoveAsync(remove, [.. all.Except(remove)], ct);
        }

        return remove;
    }

    /// <summary>"s3: 2 hits, 3 misses, 0 errors, 3 pushed" (refusals, push errors and read-only only when they apply).</summary>
    public string Counts()
    {
        var parts = new List<string>
        {
            Plural(_hits, "hit"), Plural(_misses, "miss", "misses"), Plural(_errors, "error"),
        };
        if (_refused > 0)
        {
            parts.Add($"{_refused} refused");
        }

        if (store.IsReadOnly)
        {
            parts.Add("read-only");
        }
        else
        {
            parts.Add(_leftOver > 0 ? $"{_pushed} pushed ({_leftOver} left over from earlier runs)" : $"{_pushed} pushed");
            if (_pushErrors > 0)
            {
                parts.Add($"{_pushErrors} not pushed");
            }
        }

        var line = $"{store.Kind}: {string.Join(", ", parts)}";
        return FirstError is { } first ? $"{line} ({first})" : line;
    }

    private void Fail(string message, bool countAsError = true)
    {
        if (countAsError)
        {
            Interlocked.Increment(ref _errors);
        }

        if (Interlocked.CompareExchange(ref _firstError, message, null) is null)
        {
            Warning?.Invoke($"{store.Location}: {message}; building instead, and not asking it again in this run");
        }
    }

    private static string Plural(int n, string one, string? many = null) =>
        n == 1 ? $"1 {one}" : $"{n} {many ?? one + "s"}";

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
