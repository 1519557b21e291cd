using Slipway.Testing;

namespace Slipway.IntegrationTests.Recipes;

/// <summary>
/// examples/django-site with its vendored Pillow (build/pillow.yml: Pillow 9.4.0 from its upstream release tarball,
/// with the example's patch) built by <c>slipway build</c> and deployed to an sshd host on loopback: the release's
/// virtualenv imports the patched build through recipes.django.vendor, the site's /pillow view says so, and a second
/// deploy reuses the artifact (the build finds it cached; the host neither receives nor unpacks it again). Pillow's C
/// build takes a minute or two, so it happens once, in the one test.
/// </summary>
public sealed class DjangoVendorTests
{
    private const string PillowTarball = "/var/cache/slipway-deps/pillow_9.4.0.orig.tar.xz";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact(Timeout = 900_000)]
    public async Task The_release_imports_the_patched_pillow_built_here_and_a_second_deploy_reuses_its_artifact()
    {
        var ct = TestContext.Current.CancellationToken;
        Requires.Check(File.Exists("/usr/lib/python3/dist-packages/django/__init__.py") && File.Exists("/usr/lib/python3/dist-packages/gunicorn/__init__.py"),
            "python3-django, gunicorn and python3-venv are needed. Fix: bash scripts/deps/recipes.sh", Environment.GetEnvironmentVariable("CI"));
        Requires.Check(File.Exists(PillowTarball) && File.Exists("/usr/include/jpeglib.h") && File.Exists("/usr/include/zlib.h")
                && Directory.EnumerateFiles("/usr/include", "Python.h", SearchOption.AllDirectories).Any(),
            "Pillow's source tarball and build headers are needed. Fix: bash scripts/deps/build.sh", Environment.GetEnvironmentVariable("CI"));
        await using var django = await DjangoSite.StartAsync(productionHosts: 1, stagingHosts: 0, ct);
        var site = django.Site;
        UseTheExampleBuild(site);

        var (code, output) = await site.RunAsync("setup", "production");
        code.ShouldBe(0, output + site.Fixture.ServerLogs());
        (code, output) = await site.RunAsync("build");
        code.ShouldBe(0, output + BuildLog(site));
        output.ShouldContain("1 packages: 0 cached (0 local), 1 built, 0 failed", customMessage: output);
        var key = StoredKeys(site).ShouldHaveSingleItem();

        (code, output) = await site.RunAsync("deploy", "production", "-v");

        code.ShouldBe(0, output + site.Fixture.ServerLogs());
        output.ShouldContain($"vendor: 1 of 1 artifacts ready (pillow {key[..12]} for web)", customMessage: output);
        output.ShouldContain($"{site.HostName(0)}: vendor: 1 uploaded (pillow), 0 already there", customMessage: output);
        var first = site.Current(0);
        var firstPath = Path.Combine(site.DeployTo(0), "releases", first);
        var python = $"lib/python{await PythonVersionAsync(ct)}/site-packages";
        output.ShouldContain($"vendor: pillow -> {firstPath}/vendor/pillow/{python}", customMessage: output);
        (await GetAsync(django.Url(0, "/pillow"), ct)).ShouldBe($"Pillow 9.4.0 patched=True mode=RGB from {firstPath}/vendor/pillow/{python}/PIL\n");
        (await ImportAsync(firstPath, ct)).ShouldBe($"True {firstPath}/vendor/pillow/{python}/PIL/__init__.py");
        var vendor = Path.Combine(site.DeployTo(0), "shared", "vendor");
        new DirectoryInfo(Path.Combine(firstPath, "vendor", "pillow")).LinkTarget.ShouldBe(Path.Combine(vendor, key));
        var unpacked = await InodeAsync(Path.Combine(vendor, key, python, "PIL", "__init__.py"), ct);

        await django.WriteAsync("CHANGES.txt", "a second release\n", ct);
        await django.CommitAsync("a second release", ct);
        (code, output) = await site.RunAsync("build");
        code.ShouldBe(0, output);
        output.ShouldContain("1 packages: 1 cached (1 local), 0 built, 0 failed", customMessage: output);
        (code, output) = await site.RunAsync("deploy", "production", "-v");

        code.ShouldBe(0, output + site.Fixture.ServerLogs());
        output.ShouldContain($"{site.HostName(0)}: vendor: 0 uploaded, 1 already there", customMessage: output);
        var second = site.Current(0);
        second.ShouldNotBe(first);
        var secondPath = Path.Combine(site.DeployTo(0), "releases", second);
        output.ShouldContain($"reusing the virtualenv of release {first}", customMessage: output);
        (await GetAsync(django.Url(0, "/pillow"), ct)).ShouldBe($"Pillow 9.4.0 patched=True mode=RGB from {secondPath}/vendor/pillow/{python}/PIL\n");
        new DirectoryInfo(Path.Combine(secondPath, "vendor", "pillow")).LinkTarget.ShouldBe(Path.Combine(vendor, key));
        (await InodeAsync(Path.Combine(vendor, key, python, "PIL", "__init__.py"), ct)).ShouldBe(unpacked, "not unpacked again");
        Directory.GetFileSystemEntries(vendor).Select(Path.GetFileName).ShouldBe([key]);
        // The previous release (the rollback target) keeps importing through its own link.
        (await ImportAsync(firstPath, ct)).ShouldBe($"True {firstPath}/vendor/pillow/{python}/PIL/__init__.py");
    }

    /// <summary>The example's build/pillow.yml and its patch next to the test's slipway.yml, and the recipe vendoring it.</summary>
    private static void UseTheExampleBuild(Deploy.DeploySite site)
    {
        var example = Path.Combine(DjangoSite.RepositoryRoot(), "examples", "django-site");
        foreach (var file in (string[])["build/pillow.yml", "patches/pillow/0001-mark-the-vendored-build.patch"])
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(site.Root, file))!);
            File.Copy(Path.Combine(example, file), Path.Combine(site.Root, file));
        }

        var config = File.ReadAllText(site.ConfigFile);
        config.ShouldContain("    migrate: { roles: [db] }\n");
        config = config.Replace("    migrate: { roles: [db] }\n", "    migrate: { roles: [db] }\n    vendor: [pillow]\n", StringComparison.Ordinal)
            .Replace("processes:\n", "build:\n  include: [build/pillow.yml]\nprocesses:\n", StringComparison.Ordinal);
        File.WriteAllText(site.ConfigFile, config);
    }

    private static IReadOnlyList<string> StoredKeys(Deploy.DeploySite site)
    {
        var folder = Path.Combine(site.Root, ".slipway", "artifacts", "pillow");
        return Directory.Exists(folder) ? [.. Directory.GetDirectories(folder).Select(Path.GetFileName)!] : [];
    }

    private static string BuildLog(Deploy.DeploySite site)
    {
        var log = Path.Combine(site.Root, ".slipway", "build", "logs", "pillow.log");
        return File.Exists(log) ? File.ReadAllText(log) : "";
    }

    private static async Task<string> PythonVersionAsync(CancellationToken ct) =>
        (await ProcessTools.RunAsync("/usr/bin/python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], ct)).Stdout.Trim();

    /// <summary>What the release's own virtualenv imports, run as the release runs it.</summary>
    private static async Task<string> ImportAsync(string release, CancellationToken ct)
    {
        var (code, stdout, stderr) = await ProcessTools.RunAsync(release + "/venv/bin/python",
            ["-c", "import PIL; print(PIL.SLIPWAY_PATCHED, PIL.__file__)"], ct);
        code.ShouldBe(0, stderr);
        return stdout.Trim();
    }

    private static async Task<string> InodeAsync(string path, CancellationToken ct) =>
        (await ProcessTools.RunAsync("stat", ["-c", "%i", path], ct)).Stdout.Trim();

    private static async Task<string> GetAsync(string url, CancellationToken ct)
    {
        using var response = await Http.GetAsync(new Uri(url), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        ((int)response.StatusCode).ShouldBe(200, body);
        return body;
    }
}
