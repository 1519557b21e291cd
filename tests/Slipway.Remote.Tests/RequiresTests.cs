using Slipway.Testing;

namespace Slipway.Remote.Tests;

public sealed class RequiresTests
{
    [Fact]
    public void Missing_prerequisite_skips_locally_with_the_fix() =>
        Should.Throw<SkipTestException>(() => Requires.Check(false, "Fix: apt-get install -y openssh-server", ci: null))
            .Message.ShouldBe("$XunitDynamicSkip$Fix: apt-get install -y openssh-server");

    [Fact]
    public void Missing_prerequisite_fails_on_ci() =>
        Should.Throw<InvalidOperationException>(() => Requires.Check(false, "Fix: apt-get install -y openssh-server", ci: "true"))
            .Message.ShouldContain("apt-get install -y openssh-server");

    [Fact]
    public void Present_prerequisite_passes() => Requires.Check(true, "unused", ci: "true");
}
