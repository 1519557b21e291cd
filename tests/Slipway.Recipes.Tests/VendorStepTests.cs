using Slipway.Core.Config;
using Slipway.Deploy.Model;
using Slipway.Testing;

namespace Slipway.Recipes.Tests;

/// <summary>
/// The "django: vendor" hook (recipes.django.vendor), run by /bin/sh exactly as a deploy sends it, after the vendored
/// artifact was linked into the release as vendor/NAME the way the deploy's update step links it.
/// </summary>
public sealed class VendorStepTests : IDisposable
{
    private readonly TempDir _dir = new("slipway-vendor-step");

    [Fact(Timeout = 120_000)]
    public async Task The_release_imports_the_vendored_package_and_a_reused_virtualenv_points_at_its_own_release()
    {
        var ct = TestContext.Current.CancellationToken;
        Requires.Check(await VirtualenvStepTests.CanImportAsync("ensurepip, venv", ct),
            "python3-venv is needed. Fix: bash scripts/deps/recipes.sh", Environment.GetEnvironmentVariable("CI"));
        var steps = Steps();
        steps.Select(s => s.Label).ShouldBe([DjangoSteps.VenvLabel, DjangoSteps.VendorLabel]);
        var version = (await ProcessTools.RunAsync("/usr/bin/python3", ["-c", "import sys; print('python%d.%d' % sys.version_info[:2])"], ct)).Stdout.Trim();
        var artifact = await ArtifactAsync("key1", version, "first", ct);

        var output = await RunAsync(steps, "r1", null, artifact, ct);

        output.ShouldContain($"vendor: fakepil -> {Release("r1")}/vendor/fakepil/lib/{version}/site-packages");
        (await ImportAsync("r1", ct)).ShouldBe($"first {Release("r1")}/vendor/fakepil/lib/{version}/site-packages/fakepil/__init__.py");

        output = await RunAsync(steps, "r2", "r1", artifact, ct);

        output.ShouldContain("reusing the virtualenv of release r1");
        (await ImportAsync("r2", ct)).ShouldStartWith($"first {Release("r2")}/vendor/fakepil/");
        // The previous release's .pth is its own file, not a hard link the new release rewrote.
        (await ImportAsync("r1", ct)).ShouldStartWith($"first {Release("r1")}/vendor/fakepil/");
    }

    [Fact(Timeout = 120_000)]
    public async Task A_package_not_linked_into_the_release_fails_the_step_naming_it()
    {
        var ct = TestContext.Current.CancellationToken;
        Requires.Check(await VirtualenvStepTests.CanImportAsync("ensurepip, venv", ct),
            "python3-venv is needed. Fix: bash scripts/deps/recipes.sh", Environment.GetEnvironmentVariable("CI"));

        var (code, output) = await TryRunAsync(Steps(), "r1", null, artifact: null, ct);

        code.ShouldNotBe(0);
        output.ShouldContain($"vendored package fakepil is not linked into this release ({Release("r1")}/vendor/fakepil)");
    }

    [Fact(Timeout = 120_000)]
    public async Task An_artifact_without_a_python_folder_for_the_virtualenv_s_version_fails_the_step()
    {
        var ct = TestContext.Current.CancellationToken;
        Requires.Check(await VirtualenvStepTests.CanImportAsync("ensurepip, venv", ct),
            "python3-venv is needed. Fix: bash scripts/deps/recipes.sh", Environment.GetEnvironmentVariable("CI"));
        var artifact = await ArtifactAsync("key2", "python2.7", "old", ct);

        var (code, output) = await TryRunAsync(Steps(), "r1", null, artifact, ct);

        code.ShouldNotBe(0);
        output.ShouldContain("vendored package fakepil has no lib/python3.");
        output.ShouldContain(artifact);
    }

    public void Dispose() => _dir.Dispose();

    private IReadOnlyList<HookConfig> Steps()
    {
        var config = RecipeExpander.Apply(Sites.Parse($$"""
            application: vendortest
            deploy_to: {{_dir.Path}}
            recipes:
              django: { check_deploy: false, migrate: false, collectstatic: false, vendor: [fakepil] }
            build:
              packages:
                fakepil: { source: { path: fakepil }, steps: ["true"], roles: [web] }
            stages: { production: { hosts: [ { host: localhost, transport: local, roles: [web] } ] } }

            """));
        return HookPlanner.For(config, HookPoints.AfterUpdate, config.Stages[0].Hosts[0], config.Stages[0].Hosts);
    }

    private string Release(string name) => _dir.Path + "/releases/" + name;

    /// <summary>An unpacked artifact under shared/vendor/KEY holding a package that says which it is.</summary>
    private async Task<string> ArtifactAsync(string key, string version, string marker, CancellationToken ct)
    {
        var folder = $"{_dir.Path}/shared/vendor/{key}";
        var package = $"{folder}/lib/{version}/site-packages/fakepil";
        Directory.CreateDirectory(package);
        await File.WriteAllTextAsync(package + "/__init__.py", $"MARKER = '{marker}'\n", ct);
        return folder;
    }

    private async Task<string> ImportAsync(string release, CancellationToken ct)
    {
        var (code, stdout, stderr) = await ProcessTools.RunAsync(Release(release) + "/venv/bin/python",
            ["-c", "import fakepil; print(fakepil.MARKER, fakepil.__file__)"], ct);
        code.ShouldBe(0, stderr);
        return stdout.Trim();
    }

    private async Task<string> RunAsync(IReadOnlyList<HookConfig> steps, string release, string? previous, string artifact, CancellationToken ct)
    {
        var (code, output) = await TryRunAsync(steps, release, previous, artifact, ct);
        code.ShouldBe(0, output);
        return output;
    }

    private async Task<(int Code, string Output)> TryRunAsync(IReadOnlyList<HookConfig> steps, string release, string? previous, string? artifact,
        CancellationToken ct)
    {
        var path = Release(release);
        Directory.CreateDirectory(path);
        if (artifact is not null)
        {
            // What VendorScripts.Install does: vendor/PACKAGE -> shared/vendor/KEY.
            Directory.CreateDirectory(path + "/vendor");
            File.CreateSymbolicLink(path + "/vendor/fakepil", artifact);
        }

        var script = string.Join("\n", [
            "set -e", "export SLIPWAY_DEPLOY_TO=" + _dir.Path, "export SLIPWAY_SHARED_PATH=" + _dir.Path + "/shared",
            "export SLIPWAY_RELEASE=" + release, "export SLIPWAY_RELEASE_PATH=" + path,
            "export SLIPWAY_PREVIOUS_RELEASE=" + previous, "export SLIPWAY_PREVIOUS_RELEASE_PATH=" + (previous is null ? "" : Release(previous)),
            "cd " + path,
            .. steps.Select(s => "/bin/sh -c " + Core.Shell.ShellQuote.Quote(s.Run)),
        ]);
        var (code, stdout, stderr) = await ProcessTools.RunAsync("/bin/sh", ["-c", script], ct);
        return (code, stdout + stderr);
    }
}
