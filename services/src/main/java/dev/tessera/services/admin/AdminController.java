package dev.tessera.services.admin;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** {@code GET /v1/admin/stats} for the dashboard, which is the static page {@code /admin}. */
@RestController
public class AdminController {

    private final AdminStats stats;

    public AdminController(AdminStats stats) {
        this.stats = stats;
    }

    @GetMapping("/v1/admin/stats")
    public AdminStats.Stats stats() {
        return stats.gather();
    }

    /** {@code /admin} and {@code /admin/} show the page under {@code static/admin/}. */
    @Configuration(proxyBeanMethods = false)
    static class DashboardPage implements WebMvcConfigurer {
        @Override
        public void addViewControllers(ViewControllerRegistry registry) {
            registry.addViewController("/admin").setViewName("forward:/admin/index.html");
            registry.addViewController("/admin/").setViewName("forward:/admin/index.html");
        }
    }
}
