using Slipway.Testing;

namespace Slipway.IntegrationTests.Deploy;

/// <summary>
/// A non-root deploy user, as production hosts have it: a real local account (made by the fixture with useradd), logged
/// in over sshd whose sessions start with umask 027. Permission problems are found by the check phase, on every host,
/// naming host and path, before anything changes.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DeployUserTests
{
    private const int Minutes = 60_000;
    private const string Account = "slwdeploy";

    [Fact(Timeout = 5 * Minutes)]
    public async Task A_deploy_user_with_umask_027_deploys_and_a_linked_file_it_cannot_read_stops_the_check_naming_host_and_path()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await SshdFixture.EnsureAccountAsync(Account, ct);
        await using var site = await DeploySite.StartAsync(2, ct, user, umask: "027");
        for (var i = 0; i < 2; i++)
        {
            MakeDeployTo(site, i);
            await ChownAsync(user, site.DeployTo(i), ct);
        }

        site.Configure();
        var (first, firstOutput) = await site.RunAsync("deploy", "production");
        first.ShouldBe(0, firstOutput);
        var before = site.Current(0);
        // Made by the deploy user, with its umask: nothing readable by others.
        var index = Path.Combine(site.DeployTo(0), "releases", before, "index.html");
        (await ProcessTools.RunAsync("stat", ["-c", "%U %a", index], ct)).Stdout.Trim().ShouldBe($"{user} 640");

        // A linked file another user owns and keeps to itself (root, 0600).
        for (var i = 0; i < 2; i++)
        {
            var secret = Path.Combine(site.DeployTo(i), "shared", "config", ".env");
            Directory.CreateDirectory(Path.GetDirectoryName(secret)!);
            await File.WriteAllTextAsync(secret, "SECRET_KEY=x\n", ct);
            File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        site.Configure(linked: "linked_files: [config/.env]");
        await site.CommitAsync("second", ct);
        var (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(1, output);
        for (var i = 0; i < 2; i++)
        {
            output.ShouldContain($"{site.HostName(i)}: check: 1 problem found");
            output.ShouldContain($"missing: linked file {site.DeployTo(i)}/shared/config/.env is not readable by user {user} (owned by root, mode 600)");
            site.ShouldBeUntouched(i, before);
            site.Served(i).ShouldBe("first");
        }

        output.ShouldContain("stopped before changing anything");
    }

    [Fact(Timeout = 5 * Minutes)]
    public async Task A_deploy_to_the_deploy_user_cannot_write_stops_the_check_on_every_host_before_anything_changes()
    {
        var ct = TestContext.Current.CancellationToken;
        var user = await SshdFixture.EnsureAccountAsync(Account, ct);
        await using var site = await DeploySite.StartAsync(2, ct, user, umask: "027");
        for (var i = 0; i < 2; i++)
        {
            // Made by root, 0755: the deploy user may read it, not write it.
            MakeDeployTo(site, i);
        }

        site.Configure();
        var (exitCode, output) = await site.RunAsync("deploy", "production");

        exitCode.ShouldBe(1, output);
        for (var i = 0; i < 2; i++)
        {
            var deployTo = site.DeployTo(i);
            output.ShouldContain($"{site.HostName(i)}: check: 1 problem found");
            output.ShouldContain($"missing: cannot create releases/ and shared/ in {deployTo}: {deployTo} is not writable by user {user} (owned by root, mode 755)");
            Directory.GetFileSystemEntries(deployTo).ShouldBeEmpty();
        }

        output.ShouldContain("stopped before changing anything");
    }

    /// <summary>deploy_to and its parent, made by root with mode 0755 whatever our umask.</summary>
    private static void MakeDeployTo(DeploySite site, int host)
    {
        var deployTo = site.DeployTo(host);
        Directory.CreateDirectory(deployTo);
        var mode = (UnixFileMode)0b111_101_101;
        File.SetUnixFileMode(Path.GetDirectoryName(deployTo)!, mode);
        File.SetUnixFileMode(deployTo, mode);
    }

    private static async Task ChownAsync(string user, string path, CancellationToken ct)
    {
        var (code, _, error) = await ProcessTools.RunAsync("chown", ["-R", user, path], ct);
        code.ShouldBe(0, error);
    }
}
