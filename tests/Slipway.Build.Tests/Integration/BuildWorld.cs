using Slipway.Build.Building;
using Slipway.Build.Recipes;
using Slipway.Build.Store;
using Slipway.Build.Store.Signing;
using Slipway.Build.Tests.Support;
using Slipway.Testing;

namespace Slipway.Build.Tests.Integration;

/// <summary>
/// Upstream repositories (libgreet, hello linking it, an unrelated tool) made by the test, a recipe folder with a patch
/// to libgreet, and a store and work folder: everything a real build needs, on this machine only.
/// </summary>
internal sealed class BuildWorld : IDisposable
{
    public const string ShoutPatch = "0001-shout.patch";

    private readonly TempDir _dir = new("slipway-build-");

    private BuildWorld(GitRepo library, GitRepo program, GitRepo tool)
    {
        Library = library;
        Program = program;
        Tool = tool;
    }

    public GitRepo Library { get; }

    public GitRepo Program { get; }

    public GitRepo Tool { get; }

    public string Root => _dir.Path;

    public string RecipeDirectory => _dir.File("recipes");

    public string StoreDirectory => _dir.File("store");

    /// <summary>A folder of this world's scratch space.</summary>
    public string Folder(string name) => _dir.File(name);

    public static async Task<BuildWorld> CreateAsync(CancellationToken ct)
    {
        Requires.Check(File.Exists("/usr/bin/gcc") && File.Exists("/usr/bin/make") && File.Exists("/usr/bin/patch"),
            "gcc, make and patch are needed. Fix: apt-get install -y build-essential patch", Environment.GetEnvironmentVariable("CI"));
        var temp = Directory.CreateTempSubdirectory("slipway-upstream-").FullName;
        var world = new BuildWorld(
            await GitRepo.CreateAsync(Path.Combine(temp, "libgreet"), CProjects.Library, ct),
            await GitRepo.CreateAsync(Path.Combine(temp, "hello"), CProjects.Program, ct),
            await GitRepo.CreateAsync(Path.Combine(temp, "tool"), CProjects.Standalone, ct));
        world._upstream = temp;
        await world.WritePatchAsync("HELLO", ct);
        return world;
    }

    private string? _upstream;

    /// <summary>(Re)writes the libgreet patch so that greet() returns <paramref name="word"/>.</summary>
    public Task WritePatchAsync(string word, CancellationToken ct) =>
        Library.MakePatchAsync("greet.c", CProjects.GreetC.Replace("\"hello\"", $"\"{word}\"", StringComparison.Ordinal),
            Path.Combine(RecipeDirectory, "patches", ShoutPatch), ct);

    public IReadOnlyList<PackageRecipe> Recipes(string? libraryUrl = null, IReadOnlyList<string>? librarySteps = null,
        string? patch = null) =>
    [
        new()
        {
            Name = "libgreet",
            Source = SourceSpec.Git(libraryUrl ?? Library.Path, "main"),
            Patches = [$"patches/{patch ?? ShoutPatch}"],
            Steps = librarySteps ?? ["make", "make install"],
            Tools = ["gcc"],
            EnvAllowlist = ["CFLAGS"],
        },
        new()
        {
            Name = "hello",
            Source = SourceSpec.Git(Program.Path, "main"),
            Steps = ["make", "make install"],
            Depends = ["libgreet"],
        },
        new()
        {
            Name = "tool",
            Source = SourceSpec.Git(Tool.Path, "main"),
            Steps = ["make", "make install"],
        },
    ];

    /// <summary>A builder with its own work folder (a fresh machine's view, apart from the shared store).</summary>
    public PackageBuilder Builder(string work = "work", string? recipeDirectory = null) => Builder(work, StoreDirectory, null, recipeDirectory);

    /// <summary>A builder with its own work folder and local store, and a shared store behind it and a signing key when given.</summary>
    public PackageBuilder Builder(string work, string store, RemoteCache? remote, string? recipeDirectory = null,
        ManifestSigner? signer = null, TimeProvider? time = null) => new(new BuildOptions
    {
        StoreDirectory = store,
        Remote = remote,
        Signer = signer,
        WorkDirectory = _dir.File(work),
        RecipeDirectory = recipeDirectory ?? RecipeDirectory,
        Parallelism = 2,
        JobsPerPackage = 1,
    }, new Dictionary<string, string?>
    {
        ["PATH"] = Environment.GetEnvironmentVariable("PATH"),
        ["HOME"] = Environment.GetEnvironmentVariable("HOME"),
    }, time);

    public void Dispose()
    {
        _dir.Dispose();
        if (_upstream is not null)
        {
            Directory.Delete(_upstream, recursive: true);
        }
    }
}
