using Slipway.Build.Building;

namespace Slipway.Build.Tests;

public sealed class PatchFailureTests
{
    [Fact]
    public void Names_the_file_and_hunk_from_patch_output()
    {
        const string Output = "checking file foo.c\nHunk #1 succeeded at 3.\nHunk #2 FAILED at 14.\n1 out of 2 hunks FAILED\n";
        PatchFailure.Describe(Output, "").ShouldBe("file foo.c, hunk #2 at line 14");
    }

    [Fact]
    public void Falls_back_to_git_apply_output()
    {
        PatchFailure.Describe("", "Checking patch bar.c...\nerror: patch failed: bar.c:7\nerror: bar.c: patch does not apply\n")
            .ShouldBe("file bar.c, hunk at line 7");
    }

    [Fact]
    public void A_missing_file_is_named_as_such()
    {
        PatchFailure.Describe("can't find file to patch at input line 5\n", "").ShouldBe("a file it patches does not exist");
    }

    [Fact]
    public void Os_release_gives_distribution_and_release()
    {
        PlatformDetector.ParseOsRelease("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n")
            .ShouldBe("debian 12");
        PlatformDetector.ParseOsRelease("ID=arch\n").ShouldBe("arch");
    }
}
