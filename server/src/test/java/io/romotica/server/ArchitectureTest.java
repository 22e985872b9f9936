package io.romotica.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Dependencies point one way: web → features → storage/bus/common/config; protocol depends on nothing of ours. */
class ArchitectureTest {
    private static final String ROOT = "io.romotica.server";
    private static final String[] FEATURES = {"auth", "audit", "calls", "chat", "ops", "realtime", "remote", "settings"
    };
    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.romotica");

    @Test
    void featuresNeverUseTheWebLayer() {
        for (String f : FEATURES) {
            noClasses()
                    .that()
                    .resideInAPackage(ROOT + "." + f + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage(ROOT + ".web..")
                    .check(classes);
        }
    }

    @Test
    void lowerLayersNeverUseFeaturesOrWeb() {
        for (String lower : new String[] {"common", "config", "storage", "bus"}) {
            noClasses()
                    .that()
                    .resideInAPackage(ROOT + "." + lower + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(featurePackages())
                    .check(classes);
        }
    }

    @Test
    void protocolKnowsNothingOfTheServer() {
        noClasses()
                .that()
                .resideInAPackage("io.romotica.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + "..")
                .check(classes);
    }

    @Test
    void onlyTheDesktopAppTouchesSwingOrAwt() {
        // The server draws no windows; re-encoding attachments uses AWT's headless imaging, in one class.
        noClasses()
                .that()
                .resideInAPackage(ROOT + "..")
                .and()
                .doNotHaveFullyQualifiedName(ROOT + ".chat.AttachmentInspector")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("javax.swing..", "java.awt..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage(ROOT + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("javax.swing..")
                .check(classes);
    }

    private static String[] featurePackages() {
        String[] all = new String[FEATURES.length + 1];
        for (int i = 0; i < FEATURES.length; i++) {
            all[i] = ROOT + "." + FEATURES[i] + "..";
        }
        all[FEATURES.length] = ROOT + ".web..";
        return all;
    }
}
