using System.Security.Cryptography;
using System.Text;
using Slipway.Build.Caching;
using Slipway.Testing;

namespace Slipway.Build.Tests;

public sealed class DigestCacheTests
{
    /// <summary>A clock a while after every file the test writes, so no entry falls in the racy window.</summary>
    internal sealed class LaterClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow.AddMinutes(10);
    }

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact(Timeout = 30_000)]
    public async Task An_unchanged_file_is_not_read_again_and_the_cache_survives_a_new_run()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var file = dir.Write("patches/0001.patch", "one\n");
        var cache = DigestCache.Load(dir.File("digests"), new LaterClock());

        (await cache.Sha256Async(file, ct)).ShouldBe(Sha("one\n"));
        (await cache.Sha256Async(file, ct)).ShouldBe(Sha("one\n"));
        cache.Hashed.ShouldBe(1);
        cache.Save();

        var next = DigestCache.Load(dir.File("digests"), new LaterClock());
        (await next.Sha256Async(file, ct)).ShouldBe(Sha("one\n"));
        next.Hashed.ShouldBe(0);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_file_rewritten_with_the_same_size_and_its_old_modification_time_still_gets_its_new_digest()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var file = dir.Write("tool", "abc\n");
        var mtime = File.GetLastWriteTimeUtc(file);
        var cache = DigestCache.Load(dir.File("digests"), new LaterClock());
        (await cache.Sha256Async(file, ct)).ShouldBe(Sha("abc\n"));
        cache.Save();

        // What make or a size+mtime cache would miss: same size, modification time set back. The change time moved.
        await File.WriteAllTextAsync(file, "xyz\n", ct);
        File.SetLastWriteTimeUtc(file, mtime);

        var next = DigestCache.Load(dir.File("digests"), new LaterClock());
        (await next.Sha256Async(file, ct)).ShouldBe(Sha("xyz\n"));
        next.Hashed.ShouldBe(1);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_file_changed_just_before_it_was_hashed_is_not_remembered()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var file = dir.Write("patch", "fresh\n");
        var cache = DigestCache.Load(dir.File("digests"));

        (await cache.Sha256Async(file, ct)).ShouldBe(Sha("fresh\n"));
        (await cache.Sha256Async(file, ct)).ShouldBe(Sha("fresh\n"));

        // Within the file system's timestamp granularity another write could keep the stamp: hashed each time.
        cache.Hashed.ShouldBe(2);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_damaged_cache_file_is_ignored_and_a_missing_file_is_an_error()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        dir.Write("digests", "slipway-digests-v1\nf\tnot-a-line\ngarbage\n");
        var file = dir.Write("a", "a\n");
        var cache = DigestCache.Load(dir.File("digests"), new LaterClock());

        (await cache.Sha256Async(file, ct)).ShouldBe(Sha("a\n"));
        await Should.ThrowAsync<FileNotFoundException>(() => cache.Sha256Async(dir.File("missing"), ct));
    }

    [Fact]
    public void Peeled_commits_are_remembered_across_runs()
    {
        using var dir = new TempDir();
        var cache = DigestCache.Load(dir.File("digests"));
        cache.RememberPeeled(new string('a', 40), new string('b', 40));
        cache.Save();

        DigestCache.Load(dir.File("digests")).Peeled(new string('a', 40)).ShouldBe(new string('b', 40));
    }
}
