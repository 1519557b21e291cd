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
}
