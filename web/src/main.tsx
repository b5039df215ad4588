import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { PublicSharePage, publicShareToken } from "./public/PublicSharePage";
import "./styles.css";
import "./public/public.css";

// Shared links are read without signing in and show nothing else of the app.
const shared = publicShareToken(location.pathname);

createRoot(document.getElementById("root")!).render(
  <StrictMode>{shared ? <PublicSharePage token={shared.token} embed={shared.embed} /> : <App />}</StrictMode>,
);
