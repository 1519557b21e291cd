using System.Text.Json;
using Slipway.Build.Keys;
using Slipway.Build.Store;
using Slipway.Testing;

namespace Slipway.Build.Tests;

public sealed class LocalFolderStoreTests
{
    private static ArtifactManifest Manifest(string package, string step, DateTimeOffset builtAt, string artifactSha256)
    {
        IReadOnlyList<KeyInput> inputs = [new("source", "git 1"), new("step 1", step)];
        return new ArtifactManifest
        {
            Package = package, Key = ContentKey.Compute(inputs), Inputs = inputs, Files = [], ArtifactSha256 = artifactSha256,
            ArtifactSize = 1, BuiltAt = builtAt, Builder = "test", BuildSeconds = 0,
        };
    }

    [Fact(Timeout = 30_000)]
    public async Task Put_then_find_newest_and_a_half_written_upload_stays_invisible()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var store = new LocalFolderStore(dir.File("store"));
        var artifact = dir.Write("a.tar.gz", "bytes");
        var older = Manifest("pkg", "make", DateTimeOffset.UnixEpoch, "x");
        var newer = Manifest("pkg", "make -j2", DateTimeOffset.UnixEpoch.AddDays(1), "x");
        await store.PutAsync(newer, artifact, ct);
        await store.PutAsync(older, artifact, ct);
        // What a builder killed mid-upload leaves behind: only ever under .incoming, never under a key.
        dir.Write("store/.incoming/deadbeef-1/artifact.tar.gz", "half");

        (await store.FindAsync("pkg", older.Key, ct))!.Inputs.ShouldBe(older.Inputs);
        (await store.NewestAsync("pkg", ct))!.Key.ShouldBe(newer.Key);
        (await store.FindAsync("pkg", "0000", ct)).ShouldBeNull();
        (await store.NewestAsync("other", ct)).ShouldBeNull();
        Directory.EnumerateDirectories(dir.File("store/pkg")).Count().ShouldBe(2);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_manifest_whose_inputs_do_not_make_its_key_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var store = new LocalFolderStore(dir.File("store"));
        var manifest = Manifest("pkg", "make", DateTimeOffset.UnixEpoch, "x");
        await store.PutAsync(manifest, dir.Write("a.tar.gz", "bytes"), ct);
        var path = dir.File($"store/pkg/{manifest.Key}/manifest.json");
        var text = await File.ReadAllTextAsync(path, ct);
        await File.WriteAllTextAsync(path, text.Replace("\"make\"", "\"make -k\"", StringComparison.Ordinal), ct);

        (await Should.ThrowAsync<CorruptArtifactException>(() => store.FindAsync("pkg", manifest.Key, ct)))
            .Message.ShouldContain("do not match");
        await File.WriteAllTextAsync(path, "{", ct);
        await Should.ThrowAsync<CorruptArtifactException>(() => store.FindAsync("pkg", manifest.Key, ct));
        JsonDocument.Parse(text).RootElement.GetProperty("inputs")[1].GetProperty("name").GetString().ShouldBe("step 1");
    }

    [Fact(Timeout = 30_000)]
    public async Task Prune_keeps_the_newest_of_each_package_and_keys_are_found_by_prefix()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var store = new LocalFolderStore(dir.File("store"));
        var artifact = dir.Write("a.tar.gz", "bytes");
        var day = DateTimeOffset.UnixEpoch;
        var a1 = Manifest("a", "make", day, "x");
        var a2 = Manifest("a", "make -j2", day.AddDays(2), "x");
        var a3 = Manifest("a", "make -j3", day.AddDays(1), "x");
        var b1 = Manifest("b", "make b", day, "x");
        foreach (var m in new[] { a1, a2, a3, b1 })
        {
            await store.PutAsync(m, artifact, ct);
        }

        (await store.FindByKeyAsync(a3.Key[..10], ct)).Single().Package.ShouldBe("a");
        (await store.PruneCandidatesAsync(2, ct)).Select(m => m.Key).ShouldBe([a1.Key]);
        Directory.Exists(dir.File($"store/a/{a1.Key}")).ShouldBeTrue("a dry run removes nothing");

        var removed = await store.PruneAsync(1, ct);

        removed.Select(m => m.Key).Order().ShouldBe(new[] { a1.Key, a3.Key }.Order());
        (await store.FindByKeyAsync(a1.Key, ct)).ShouldBeEmpty();
        (await store.NewestAsync("a", ct))!.Key.ShouldBe(a2.Key);
        (await store.FindAsync("b", b1.Key, ct)).ShouldNotBeNull("the only artifact of a package is kept");
        Directory.EnumerateFileSystemEntries(dir.File("store/.incoming")).ShouldBeEmpty();
    }
}
